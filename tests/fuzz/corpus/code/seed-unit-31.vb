Function S(s As String)
End Function
