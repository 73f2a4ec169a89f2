; Inno Setup 6 script for the Windows installer of nnlin GUI.
;
; Build on Windows (x64), from the repository root, after PyInstaller has produced
; dist\nnlin-gui\ (see packaging\README.md, "Windows"):
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\nnlin-gui.iss
; Result: dist\nnlin-gui-0.1.0-windows-x64-setup.exe
;
; Installs per user by default (no administrator rights; the user may choose all users),
; adds a Start menu entry (and optionally a desktop icon), and registers .csv and .tsv so
; nnlin GUI appears under "Open with" (and becomes the default only if the user ticks it).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "nnlin GUI"
#define AppExe "nnlin-gui.exe"
#define ProgId "nnlin-gui.table"

[Setup]
AppId={{6E3C1F0B-7D1A-4C55-9C8E-2B1F0A6E9D41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=nnlin_gui
DefaultDirName={autopf}\nnlin-gui
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=nnlin-gui-{#AppVersion}-windows-x64-setup
SetupIconFile=resources\icons\app\nnlin-gui.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "defaultcsv"; Description: "Open .csv and .tsv files with {#AppName} by default"; GroupDescription: "File types:"; Flags: unchecked

[Files]
Source: "dist\nnlin-gui\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The document type: how nnlin GUI opens a table ("%1" is the file double-clicked).
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Table (nnlin GUI)"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; "Open with" for .csv and .tsv without taking them over from Excel.
Root: HKA; Subkey: "Software\Classes\.csv\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tsv\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
; The default handler, only when the user asked for it.
Root: HKA; Subkey: "Software\Classes\.csv"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: defaultcsv
Root: HKA; Subkey: "Software\Classes\.tsv"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: defaultcsv
; App Paths: "nnlin-gui" works from Win+R.
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\App Paths\{#AppExe}"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".csv"; ValueData: ""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".tsv"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
