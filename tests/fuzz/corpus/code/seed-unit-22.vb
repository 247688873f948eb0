Function F()
  If 1 Then
  Return 1
End Function
