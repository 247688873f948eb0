Function F(Optional ByVal d As Integer = 5) As Integer
  F = d * 2
End Function
