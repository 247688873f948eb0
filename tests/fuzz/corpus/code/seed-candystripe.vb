Private Alt As Boolean

Public Function Stripe(ByVal NewRow As Boolean, ByVal Odd as String, ByVal Even as String) As String
	If NewRow Then
		Alt = Not Alt
	End If
	If Alt Then
		Return Odd
	Else
		Return Even
	End If
End Function

Public Function Ratio(ByVal a As Nullable(Of Double), ByVal b As Nullable(Of Double)) As Double
	If b = 0 or b Is Nothing Then
		Return 0
	Else
		Return (a / b)
	End If
End Function

Public Function Shade( _
	ByVal Value As Double _
	, ByVal Top As Double _
	, ByVal Col As String) As String
	Const Full As Double = 255
	Dim r As Integer = Convert.ToInt32(Left(Right(Col, 6), 2), 16)
	Dim g As Integer = Convert.ToInt32(Right(Col, 2), 16) ' comment
	Dim k As Integer = r + CInt(Math.Round((Top - Value) * ((Full - r) / 100)))
	Return "#" & k.ToString("X2") & g.ToString("X2") & chr(168)
End Function
