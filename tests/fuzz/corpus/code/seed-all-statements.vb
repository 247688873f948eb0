Private Shared count As Integer = 10
Const Greeting As String = "Hi"
Private names() As String = {"a", "b", "c"}

Public Function Loop1(ByVal n As Integer) As Integer
    Dim total As Integer = 0
    For i As Integer = 1 To n
        If i Mod 2 = 0 Then Continue For
        total += i
    Next i
    Return total
End Function

Function Sel(ByVal x) As String
    Select Case x
        Case 1, 2
            Return "small"
        Case 3 To 5
            Return "mid"
        Case Is > 100
            Return "huge"
        Case "a"
            Return "letter"
        Case Else
            Return "other"
    End Select
End Function

Function Forever() As Integer
    Dim i As Integer
    Do While True
        i = i + 1
    Loop
    Return i
End Function

Function Rec(ByVal n As Integer) As Integer
    Return Rec(n + 1)
End Function

Function Arr() As String
    Dim a(3) As Integer
    Dim s As String = ""
    For k = 0 To 3
        a(k) = k * k
    Next
    For Each v In a
        s &= v & ","
    Next
    ReDim Preserve a(5)
    Return s & UBound(a) & a(2) & Join(names, "-") & Split("x;y;z", ";")(1)
End Function

Function Tick() As Integer
    count = count + 1
    Static calls As Integer
    calls += 1
    Return count * 100 + calls
End Function

Sub Swap(ByRef a As Integer, ByRef b As Integer)
    Dim t As Integer = a
    a = b
    b = t
End Sub

Function UseSwap() As String
    Dim x As Integer = 1, y As Integer = 2
    Swap(x, y)
    Return x & "/" & y
End Function

Function Catchy(ByVal d As Double) As String
    Try
        Dim z As Integer = CInt("abc")
        Return "no"
    Catch ex As Exception
        Return "caught: " & ex.Message
    Finally
        count = 0
    End Try
End Function

Function Whiles() As String
    Dim i As Integer = 0
    Dim s As String = ""
    While i < 3
        s = s & i.ToString("00")
        i += 1
    End While
    Do
        i -= 1
    Loop Until i <= 0
    Return s & i & Greeting.ToUpper & " " & Math.Max(3, 7) & String.Format("{0:N2}|{1,5}|", 1234.5, "ab")
End Function

Function Dates() As String
    Dim d As Date = CDate("14 January 2020")
    Dim n As DateTime = New DateTime(2020, 3, 1)
    Return FormatDateTime(d, DateFormat.ShortDate) & " " & d.AddDays(20).ToString("yyyy-MM-dd") & " " & n.Subtract(d).Days & " " & DateDiff("d", d, n) & " " & TimeSpan.FromMilliseconds(83456).ToString
End Function

Function Big() As String
    Dim s As String = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    Dim a(100000) As String
    For i = 0 To 100000
        a(i) = s & s & s & s & s & s & s & s & s & s & s & s & s & s & s & s
    Next
    Return "done"
End Function
