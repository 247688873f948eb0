Function F()
  Dim a(2) As Integer
  Return a(3)
End Function
