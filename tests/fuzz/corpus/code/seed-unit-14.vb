Const K As Double = 1.5
Private Shared names() As String = {"a", "b"}
Function F() As String
  Static calls As Integer
  calls += 1
  Return K * 2 & names(1) & calls
End Function
