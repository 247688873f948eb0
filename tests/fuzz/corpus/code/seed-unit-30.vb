Function F()
  5
End Function
