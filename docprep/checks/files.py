"""File-level rules: what stops a file from being checked at all, whatever its kind."""
from __future__ import annotations

from ..findings import Severity
from ..i18n import Text
from ..registry import RuleFamily

FAMILY = RuleFamily("file")

FAMILY.declare(
    "file.unreadable", Severity.ERROR,
    title=Text("文件无法打开", "File cannot be opened"),
    explain=Text("docprep 无法读取该文件（权限不足、文件被占用或磁盘错误），平台同样无法上传它。",
                 "docprep could not read the file (no permission, locked, or a disk error); the platform could not take it either."),
    fix=Text("检查文件权限，关闭正在使用它的程序，或把文件复制到本地后重试。",
             "Check the file's permissions, close programs that hold it, or copy it to a local folder and try again."),
)
FAMILY.declare(
    "file.link", Severity.WARNING,
    title=Text("符号链接未检查", "Symbolic link not followed"),
    explain=Text("符号链接（快捷方式）不是实际文件；docprep 不跟随链接，以免检查到文件夹之外的内容或陷入循环。",
                 "A symbolic link is not the file itself; docprep does not follow links, so it never leaves the folder or loops."),
    fix=Text("把链接指向的实际文件放进申报文件夹。", "Put the real file the link points to into the application folder."),
)
FAMILY.declare(
    "file.not-regular", Severity.ERROR,
    title=Text("不是普通文件", "Not a regular file"),
    explain=Text("名称像文件（如 照片.jpg）的其实是文件夹或设备，平台无法上传。",
                 "Something named like a file (e.g. photo.jpg) is a folder or a device, which the platform cannot take."),
    fix=Text("把实际文件放在这里，或重命名该文件夹。", "Put the real file here, or rename the folder."),
)
FAMILY.declare(
    "file.name-encoding", Severity.WARNING,
    title=Text("文件名编码不是 UTF-8", "File name is not UTF-8"),
    explain=Text("文件名的字节不是 UTF-8（常见于 Windows 共享盘上的 GBK 文件名），上传后可能显示为乱码。",
                 "The file name's bytes are not UTF-8 (common for GBK names on Windows shared drives); it may show garbled after upload."),
    fix=Text("在本机重新命名该文件（中文名即可），或用 UTF-8 方式挂载共享盘。",
             "Rename the file on your own computer (Chinese is fine), or mount the share with UTF-8 names."),
)
FAMILY.declare(
    "file.unsupported", Severity.WARNING,
    title=Text("平台不接受的文件类型", "File type the platform does not take"),
    explain=Text("申报平台只接受 JPG 照片和 PDF 附件；该文件两者都不是，docprep 未检查其内容。",
                 "The platform takes JPG photos and PDF attachments only; this file is neither, so docprep did not check it."),
    fix=Text("把文档扫描或导出为 PDF，照片保存为 JPG。", "Scan or export documents as PDF and save photos as JPG."),
)
