Function F() As String
  Dim a() As String = {"x", "y"}
  Dim b = a
  b(0) = "z"
  ReDim Preserve a(2)
  a(2) = "w"
  Dim out As String
  For Each s As String In a
    out &= s
  Next
  Return out & b(0) & a.Length & UBound(b)
End Function
