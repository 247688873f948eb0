Function Label(ByVal s As String) As String
    Dim key As String = "Bill"
    Dim t As String = s.ToUpper
    Dim i As Integer = t.IndexOf(key.ToUpper)
    If i >= 0 Then Return "has " & key Else Return String.Format("{0,-5}|{1:N2}", s, 1.5)
End Function

Function Days(ByVal d As Date) As Integer
    Dim n As DateTime = New DateTime(2020, 3, 1)
    Return n.Subtract(d).Days + DateDiff("d", d, n) + d.AddMonths(1).Month
End Function

Function Parts(ByVal s As String) As String
    Dim out As String = ""
    For Each p As String In Split(s, ",")
        Select Case p.Trim().Length
            Case 0 : Continue For
            Case 1 To 3 : out &= p
            Case Is > 10 : Exit For
            Case Else : out += "?"
        End Select
    Next
    Return out & CDate("14 January 2020").ToString("yyyy-MM-dd")
End Function
