Function S(ByVal t As String) As String
  Select Case t
    Case "a", "b" : Return "ab"
    Case "c" To "e" : Return "c-e"
    Case Else : Return "?"
  End Select
End Function
