Private n As Integer
Function Tick() As Integer
  n += 1 : Return n
End Function
