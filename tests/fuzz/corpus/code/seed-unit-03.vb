Function F(x As Integer) As String
  If x < 0 Then Return "neg" Else Return "pos"
End Function
