Const K = 1
Function F()
  K = 2
End Function
