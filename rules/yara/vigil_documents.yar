/*
 * Vigil's default YARA rules for documents and files (vigil inspect, vigil
 * mail, and files on the wire with --inspect-files). Written for Vigil from
 * the public descriptions of the techniques cited in each rule's meta;
 * licensed as Vigil itself. Replace the whole set with --yara-rules PATH.
 *
 * meta verdict = "malicious" makes a match decide the verdict by itself;
 * other matches add the reason `yara` (data/verdict_weights.tsv).
 */

rule Vigil_RTF_Equation_Editor_Object : rtf exploit
{
    meta:
        description = "RTF embedding an Equation Editor 3.0 object (class name in the hex of \\objdata)"
        reference = "CVE-2017-11882, CVE-2018-0802; RoyalRoad RTF weaponizer (public reports)"
        attack = "T1203"
        verdict = "malicious"
    strings:
        $class_hex = "4571756174696f6e2e33" nocase    /* "Equation.3" as hex */
        $native_hex = "4571756174696f6e204e6174697665" nocase /* "Equation Native" */
    condition:
        uint32be(0) == 0x7b5c7274 and any of them      /* "{\rt" */
}

rule Vigil_LNK_Launches_Interpreter : lnk
{
    meta:
        description = "Windows shortcut whose target or arguments start a script interpreter"
        reference = "MS-SHLLINK; ATT&CK T1204.002 and T1059"
        attack = "T1204.002"
        verdict = "malicious"
    strings:
        $a = "powershell" nocase wide ascii
        $b = "mshta" nocase wide ascii
        $c = "cmd.exe" nocase wide ascii
        $d = "wscript" nocase wide ascii
        $e = "cscript" nocase wide ascii
        $f = "rundll32" nocase wide ascii
    condition:
        uint32(0) == 0x0000004c and uint32(4) == 0x00021401 and any of them
}

rule Vigil_HTA_Shell : script
{
    meta:
        description = "HTML application running a shell object"
        reference = "ATT&CK T1218.005 (Mshta)"
        attack = "T1218.005"
        verdict = "malicious"
    strings:
        $hta = "<hta:application" nocase
        $shell1 = "WScript.Shell" nocase
        $shell2 = "Shell.Application" nocase
    condition:
        $hta and any of ($shell*)
}

rule Vigil_PDF_Launch_Command : pdf
{
    meta:
        description = "PDF with a Launch action naming a command interpreter"
        reference = "ISO 32000-1 12.6.4.5 (Launch actions); ATT&CK T1204.002"
        attack = "T1204.002"
        verdict = "malicious"
    strings:
        $launch = "/Launch"
        $a = "cmd.exe" nocase
        $b = "powershell" nocase
        $c = "mshta" nocase
    condition:
        uint32be(0) == 0x25504446 and $launch and any of ($a, $b, $c)  /* "%PDF" */
}

rule Vigil_Encoded_PowerShell : script
{
    meta:
        description = "a PowerShell command line with an encoded command (content hidden from a reader)"
        reference = "ATT&CK T1059.001, T1027"
        attack = "T1059.001"
    strings:
        $ps = "powershell" nocase wide ascii
        $enc1 = /-e(nc|ncodedcommand)?\s+[A-Za-z0-9+\/=]{40,}/ nocase wide ascii
    condition:
        $ps and $enc1
}
