Function F()
  Return Sum(1)
End Function
