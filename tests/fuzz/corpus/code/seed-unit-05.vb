Function Sum(ByVal n As Integer) As Long
  Dim t As Long
  For i As Integer = n To 1 Step -1
    t = t + i
  Next
  Return t
End Function
