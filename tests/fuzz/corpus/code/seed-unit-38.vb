Function F(s As String)
  Return s.Substring(9)
End Function
