@echo off
rem For the office: double-click to show the progress table and compile the consolidated
rem report of the year in force into the out folder beside this file.
rem Kept ASCII on purpose (see the note in the other helper); nianbao prints the Chinese.
setlocal
cd /d "%~dp0"
nianbao.exe status
echo.
nianbao.exe compile
echo.
nianbao.exe helper press-a-key
pause >nul
