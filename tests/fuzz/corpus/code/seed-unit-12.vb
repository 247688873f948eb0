Function F() As String
  Try
    Throw New Exception("no")
  Catch e As Exception
    Return "got " & e.Message
  End Try
End Function
