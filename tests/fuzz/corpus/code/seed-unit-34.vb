Function F()
  Dim s As String = "xxxxxxxxxxxxxxxx"
  Dim a(1000) As String
  For i = 0 To 1000
    a(i) = s
    s = s & s & s
  Next
End Function
