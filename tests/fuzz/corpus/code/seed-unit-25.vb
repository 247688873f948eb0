Function F()
End Function
Function F()
End Function
