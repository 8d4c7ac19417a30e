// MSBuild inline task (RoslynCodeTaskFactory): marks one symbol-version requirement of an ELF64
// little-endian shared library as weak, so the dynamic loader no longer refuses the library when the
// system lacks that version. Idempotent; files that do not need the change are left untouched.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchElfVersionNeed : Task
{
    [Required] public ITaskItem[] Files { get; set; }
    [Required] public string VersionName { get; set; }

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                byte[] elf = File.ReadAllBytes(path);
                int patched = Patch(elf, VersionName);
                if (patched > 0)
                {
                    string tmp = path + ".patching";
                    File.WriteAllBytes(tmp, elf);
                    File.Copy(tmp, path, true);
                    File.Delete(tmp);
                    Log.LogMessage(MessageImportance.Normal, "Marked " + VersionName + " weak in " + path);
                }
            }
            catch (Exception e)
            {
                Log.LogWarning("Could not patch " + path + ": " + e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Returns how many vernaux entries were changed (0 if none needed it).</summary>
    private static int Patch(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not ELF64 little-endian");
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            long vn = offset;
            for (int i = 0; i < count; i++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                for (int j = 0; j < auxCount; j++)
                {
                    ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    uint nameOffset = BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, strtab + nameOffset) == versionName && (flags & VerFlagWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                        changed++;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                vn += BitConverter.ToUInt32(elf, (int)vn + 12);
            }
        }
        return changed;
    }

    private static string ReadCString(byte[] data, long start)
    {
        long end = start;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)start, (int)(end - start));
    }
}
