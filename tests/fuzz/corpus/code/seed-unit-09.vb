Sub Swap(ByRef a As Integer, ByRef b As Integer)
  Dim t = a : a = b : b = t
End Sub
Function F() As String
  Dim x = 1, y = 2
  Swap(x, y)
  Return x & y
End Function
