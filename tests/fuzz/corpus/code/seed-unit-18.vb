Function F()
  Return y
End Function
