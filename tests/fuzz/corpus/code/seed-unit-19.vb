Function F()
  GoTo x
End Function
