Function F(ByVal s As String) As Integer
  Try
    Return CInt(s)
  Catch ex As Exception
    Return -1
  Finally
    s = ""
  End Try
End Function
