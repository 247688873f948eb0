Function F(n)
  Return F(n + 1)
End Function
