@echo off
rem Self-check for a reporting unit: drag a report file onto this icon.
rem This file is kept ASCII on purpose: cmd.exe reads a .bat in the console code page
rem (936 on Chinese Windows), so nianbao prints every Chinese word itself.
setlocal
set "HERE=%~dp0"
if "%~1"=="" goto nofile
"%HERE%nianbao.exe" --plan "%HERE%plan" check %*
goto done
:nofile
"%HERE%nianbao.exe" helper drop-a-file
:done
echo.
"%HERE%nianbao.exe" helper press-a-key
pause >nul
