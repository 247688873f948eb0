Function F() As String
  Dim s As String = ""
  For i = 1 To 10
    If i = 3 Then Continue For
    If i = 6 Then Exit For
    s &= i
  Next
  Return s
End Function
