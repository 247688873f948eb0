Function F() As Integer
  Dim i As Integer = 0
  While i < 5
    i += 2
  End While
  Do Until i >= 20
    i *= 2
  Loop
  Do
    i -= 1
  Loop While i > 30
  Return i
End Function
