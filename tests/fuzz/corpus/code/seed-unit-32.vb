Function F()
  Do
  Loop
End Function
