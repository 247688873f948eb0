Function F()
  Try
    Do
    Loop
  Catch
  End Try
End Function
