Function F()
  Dim x As Foo
End Function
