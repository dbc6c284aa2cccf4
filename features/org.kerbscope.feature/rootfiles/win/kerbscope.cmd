@echo off
rem Kerbscope launcher (Windows). Finds Java 21 or newer (JAVA_HOME first, then PATH), then starts
rem   kerbscope [CAPTURE]                    the workbench
rem   kerbscope analyze^|lab^|samples ...     the command line
rem   kerbscope install REPOSITORY FEATURE...   installs plug-in features with p2
rem   kerbscope uninstall FEATURE...            removes them again
setlocal EnableDelayedExpansion
set "HERE=%~dp0"
set "JAVA="
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"
if not defined JAVA for %%J in (java.exe) do if not "%%~$PATH:J"=="" set "JAVA=%%~$PATH:J"
if not defined JAVA goto nojava
set "MAJOR="
for /f "tokens=3" %%V in ('"!JAVA!" -version 2^>^&1 ^| findstr /i "version"') do set "VER=%%~V"
for /f "delims=." %%M in ("!VER!") do set "MAJOR=%%M"
if not defined MAJOR goto nojava
if !MAJOR! LSS 21 goto nojava
set "LAUNCHER="
for %%L in ("%HERE%plugins\org.eclipse.equinox.launcher_*.jar") do set "LAUNCHER=%%~fL"
if not defined LAUNCHER (
  echo kerbscope: %HERE% is not a complete Kerbscope installation ^(no Equinox launcher in plugins\^). 1>&2
  exit /b 3
)
rem KERBSCOPE_VMARGS adds Java options (they win over these), e.g. set KERBSCOPE_VMARGS=-Xmx512m
set "VMARGS=-Xmx2g --enable-native-access=ALL-UNNAMED -Dosgi.requiredJavaVersion=21 -Declipse.log.level=WARNING %KERBSCOPE_VMARGS%"
set "CONFIG=%HERE%configuration"
if "%~1"=="analyze" goto cli
if "%~1"=="lab" goto cli
if "%~1"=="samples" goto cli
if "%~1"=="--help" goto cli
if "%~1"=="install" goto install
if "%~1"=="uninstall" goto uninstall
"!JAVA!" %VMARGS% -jar "!LAUNCHER!" -install "%HERE%." -configuration "%CONFIG%" -data "%USERPROFILE%\.kerbscope\workspace" -product org.kerbscope.ui.product %*
exit /b %ERRORLEVEL%
:cli
rem a short run that compiles much of its code once: see the Unix launcher and releng/bench/RESULTS.md (quoted, so
rem that the Java launcher does not take the stars for file names; "quiet" keeps the command out of the JSON)
"!JAVA!" -XX:InlineSmallCode=1000 -XX:CompileCommand=quiet "-XX:CompileCommand=dontinline,org.kerbscope.core.flow.*::*" %VMARGS% -Djava.awt.headless=true -jar "!LAUNCHER!" -install "%HERE%." -configuration "%CONFIG%" -data @none -nosplash -application org.kerbscope.cli.app %*
exit /b %ERRORLEVEL%
:install
set "REPO=%~2"
rem a folder or file path becomes a file: URI, as the p2 director wants one
echo %REPO% | findstr /c:"://" >nul || (set "REPO=%~f2" & call set "REPO=file:/%%REPO:\=/%%")
shift
shift
call :features %1 %2 %3 %4 %5 %6 %7 %8 %9
if not defined FEATURES (echo usage: kerbscope install REPOSITORY FEATURE-ID [FEATURE-ID...] 1>&2 & exit /b 2)
"!JAVA!" %VMARGS% -jar "!LAUNCHER!" -install "%HERE%." -configuration "%CONFIG%" -data @none -nosplash -application org.eclipse.equinox.p2.director -repository "%REPO%" -installIU "!FEATURES!" -profile DefaultProfile
exit /b %ERRORLEVEL%
:uninstall
shift
call :features %1 %2 %3 %4 %5 %6 %7 %8 %9
if not defined FEATURES (echo usage: kerbscope uninstall FEATURE-ID [FEATURE-ID...] 1>&2 & exit /b 2)
"!JAVA!" %VMARGS% -jar "!LAUNCHER!" -install "%HERE%." -configuration "%CONFIG%" -data @none -nosplash -application org.eclipse.equinox.p2.director -uninstallIU "!FEATURES!" -profile DefaultProfile
exit /b %ERRORLEVEL%
rem the p2 director's list of installable units: each feature id given, as its feature group, comma-separated
:features
set "FEATURES="
:features_next
if "%~1"=="" exit /b 0
set "F=%~1"
if /i not "!F:~-14!"==".feature.group" set "F=!F!.feature.group"
if defined FEATURES (set "FEATURES=!FEATURES!,!F!") else (set "FEATURES=!F!")
shift
goto features_next
:nojava
echo kerbscope: Java 21 or newer is needed. Install a JDK 21+ (for example Temurin 21) and set JAVA_HOME to it, or put its java on PATH. 1>&2
exit /b 3
