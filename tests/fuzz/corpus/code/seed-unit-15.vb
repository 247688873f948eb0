Function F(v As Integer) As Integer
  Dim d As Double = 2.5
  Dim i As Integer = d
  Dim s As String = v
  Dim b As Boolean = "True"
  Return i + s.Length + IIf(b, 100, 0)
End Function
