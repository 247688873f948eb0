Function F()
  Const K = 1
  K = 2
End Function
