Function HeatMap(ByVal Value As Double _
  , ByVal Max As Double _
  , ByVal ColStr As String) As String
  Dim c As Integer = Convert.ToInt32(Right(ColStr, 2), 16) ' the blue
  REM a comment
  Return "#" & (c + CInt(Math.Round((Max - Value) / 2))).ToString("X2")
End Function
