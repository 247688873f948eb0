Imports System.Text
