Function F()
  Dim d As Date = "not a date"
End Function
