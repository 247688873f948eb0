Function Fact(n As Integer) As Long
  If n <= 1 Then Return 1
  Return n * Fact(n - 1)
End Function
