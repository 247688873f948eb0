Function F()
  Dim s As New System.Text.StringBuilder
End Function
