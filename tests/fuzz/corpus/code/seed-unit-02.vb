Function F(ByVal x) As String
  If x > 10 Then
    Return "big"
  ElseIf x > 5 Then
    Return "mid"
  Else
    Return "small"
  End If
End Function
