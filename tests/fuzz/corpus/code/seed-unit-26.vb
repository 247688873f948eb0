Function F()
  Return Fields!A.Value
End Function
