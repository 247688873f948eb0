Function F()
  Throw New Exception("boom")
End Function
