Public Shared Function F(ByVal d As Date) As String
  Return d.ToString("D") & "|" & Format(1234.5, "C")
End Function
