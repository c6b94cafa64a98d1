"""File-level rules: what stops a file from being checked at all, whatever its kind."""
from __future__ import annotations

from ..i18n import Text
from ..model import Problem, Severity
from ..profiles.schema import Setting
from .registry import RuleFamily

SETTINGS = {
    "time_limit_s": Setting("float", "seconds one file's check may take in a worker process (-j 2 and up); past "
                                     "it, the worker is stopped and the file gets file.time-limit; 0: no limit",
                            0, 86_400),
    "memory_limit_mb": Setting("int", "resident memory (MB) a worker process may reach while checking one file; "
                                      "past it, the worker is stopped and the file gets file.memory-limit; 0: no "
                                      "limit", 0, 1_048_576),
    "serve": {  # the local web page (docprep serve): what one request may bring, how long its pictures are kept
        "upload_limit_mb": Setting("float", "megabytes one request to `docprep serve` may upload (all its files "
                                            "together); more is refused with 413 before it is read", 0.001, 100_000),
        "pictures_minutes": Setting("float", "minutes an annotated page picture of the web page's check stays "
                                             "available; then it is deleted", 0.1, 10_080),
    },
}
FAMILY = RuleFamily("file", SETTINGS)

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
FAMILY.declare(
    "file.not-found", Severity.ERROR,
    title=Text("找不到文件或文件夹", "No such file or folder"),
    explain=Text("命令行中给出的路径不存在（拼写错误、文件已移动或共享盘未连接）；其余路径照常检查，退出码为 2。",
                 "A path given on the command line does not exist (a typo, a moved file, or a share not connected); "
                 "the other paths are still checked, and the exit code is 2."),
    fix=Text("检查路径的拼写，或先连接共享盘。", "Check the path's spelling, or connect the share first."),
)
FAMILY.declare(
    "file.empty-folder", Severity.ERROR,
    title=Text("文件夹是空的", "Folder is empty"),
    explain=Text("给出的文件夹里没有任何文件：没有可检查、可上传的材料（也可能是路径写错了）。",
                 "The folder given holds no file at all: there is nothing to check or upload (or the path is the "
                 "wrong one)."),
    fix=Text("把申报材料放进该文件夹，或检查路径是否正确。", "Put the application's files into it, or check the path."),
)
FAMILY.declare(
    "file.document-image", Severity.ERROR,
    title=Text("文件扫描件存成了图片", "A document scan saved as a picture"),
    explain=Text("这张图片是文件（证书、表格）的扫描件或照片，不是证件照；平台的附件只接受 PDF，所以未按证件照规则检查。"
                 "判断依据：没有人脸，而且文件名提示是材料，或画面像一页纸（纸色背景上有成行的文字）。",
                 "This picture is a scan or photo of a document (a certificate, a form), not an ID photo; the platform "
                 "takes attachments as PDF only, so it was not judged as an ID photo. Evidence: no face, and a file "
                 "name that names a document, or a picture that looks like a page (lines of text on paper)."),
    fix=Text("把它做成 PDF：`docprep fix 图片.jpg -o 材料.pdf`（多页可一起给出）。",
             "Make it a PDF: `docprep fix picture.jpg -o document.pdf` (several pages may be given together)."),
)

FAMILY.declare(
    "file.check-failed", Severity.ERROR,
    title=Text("文件未能检查完（docprep 内部错误）", "File could not be checked (a docprep internal error)"),
    explain=Text("检查这个文件时 docprep 自身出错，没有得出结论：这不是对文件的判定，文件可能合格也可能不合格。"
                 "其余文件照常检查，但只要有文件未能检查，命令的退出码就是 2（而不是 1），以免 CI 把程序故障当作判定。"
                 "出错的详细信息（traceback）写在日志里（命令行下为标准错误输出），不写进报告。该规则不能被配置关闭或降级。",
                 "docprep itself failed while checking this file and reached no verdict: this says nothing about the "
                 "file, which may pass or fail. The other files are still checked, but while any file could not be "
                 "checked the command exits 2 (not 1), so that CI never reads a crash as a verdict. The details (the "
                 "traceback) go to the log (standard error on the command line), not into the report. A profile "
                 "cannot turn this rule off or lower it."),
    fix=Text("把日志中的错误信息（如可以，连同这个文件）报告给 docprep 的维护者。在修复之前，可用其他软件重新导出或另存"
             "该文件（如重新扫描、另存为 PDF/JPG）后再检查，或人工核对。",
             "Report the error from the log (and the file, if you may share it) to docprep's maintainers. Until it "
             "is fixed, export or save the file again with another program (rescan it, save it as PDF/JPG again) "
             "and check it again, or check it by hand."),
)

FAMILY.declare(
    "file.time-limit", Severity.ERROR,
    title=Text("文件检查超时", "File took too long to check"),
    explain=Text("检查这个文件用的时间超过了规则配置的上限（[file] time_limit_s）：文件过大或结构异常（页数极多、"
                 "图像极大、内容反复嵌套）。平台和评审专家打开它也会很慢甚至失败。为了不耽误其余文件，检查被中止。",
                 "Checking this file took longer than the profile allows ([file] time_limit_s): it is very large or "
                 "oddly built (a great many pages, huge images, contents nested over and over). The platform and the "
                 "reviewers would struggle to open it too. Its check was stopped so the other files go on."),
    fix=Text("按 200–300 dpi 重新扫描或另存为 PDF（彩色，单个附件只放该材料的页面）后再检查。",
             "Scan it again or save it again as PDF at 200-300 dpi (colour; one document per attachment), then "
             "check it again."),
)
FAMILY.declare(
    "file.memory-limit", Severity.ERROR,
    title=Text("文件检查占用内存过多", "File needed too much memory to check"),
    explain=Text("检查这个文件需要的内存超过了规则配置的上限（[file] memory_limit_mb）：通常是分辨率或尺寸极大的"
                 "图像（如几万像素见方），或解压后极大的内容。平台和评审专家的电脑同样难以打开。检查被中止，其余文件照常检查。",
                 "Checking this file needed more memory than the profile allows ([file] memory_limit_mb): usually an "
                 "image of enormous resolution or size (tens of thousands of pixels a side), or contents that unpack "
                 "to a huge size. The platform and the reviewers' computers would struggle with it too. Its check "
                 "was stopped; the other files go on."),
    fix=Text("把图像缩小到 200–300 dpi、A4 大小后重新保存或扫描，再检查。",
             "Save or scan it again with its images at 200-300 dpi and A4 size, then check it again."),
)


def past_limit(reason: str, limit: str) -> tuple[str, Problem]:
    """file.time-limit or file.memory-limit for a check a worker process was stopped in (engine.executor)."""
    if reason == "time":
        return "file.time-limit", Problem(
            Text(f"检查这个文件超过了 {limit} 秒的上限，已中止（文件过大或结构异常）。请按 200–300 dpi 重新扫描或另存为 PDF 后再检查。",
                 f"Checking this file took more than the {limit} s allowed and was stopped (it is very large or "
                 "oddly built). Scan it or save it again as PDF at 200-300 dpi, then check it again."),
            f"> {limit} s", f"<= {limit} s")
    return "file.memory-limit", Problem(
        Text(f"检查这个文件需要的内存超过了 {limit} MB 的上限，已中止（图像或内容过大）。请把图像缩小到 200–300 dpi、A4 大小后重新保存，再检查。",
             f"Checking this file needed more than the {limit} MB of memory allowed and was stopped (its images or "
             "contents are huge). Save it again with its images at 200-300 dpi and A4 size, then check it again."),
        f"> {limit} MB", f"<= {limit} MB")


def check_failed(error: str, detail: str) -> Problem:
    """What an unexpected exception while checking a file says: its type and a short text (engine.checkfile)."""
    return Problem(Text(f"docprep 检查此文件时出错，未能得出结论（{error}: {detail}）。这不是对文件的判定。请把日志中的"
                        "错误信息报告给 docprep 的维护者；在此之前可用其他软件重新导出该文件后再检查，或人工核对。",
                        f"docprep failed while checking this file and reached no verdict ({error}: {detail}). This "
                        "is not a verdict on the file. Report the error from the log to docprep's maintainers; until "
                        "then, export the file again with another program and check it again, or check it by hand."),
                   error, "a completed check")


def not_found(shown: str) -> Problem:
    return Problem(Text(f"找不到“{shown}”。请检查路径的拼写，或先连接共享盘。",
                        f"'{shown}' does not exist. Check the path's spelling, or connect the share first."))


def empty_folder(shown: str) -> Problem:
    return Problem(Text(f"文件夹“{shown}”是空的，没有可检查的材料。请把申报材料放进去，或检查路径。",
                        f"The folder '{shown}' is empty: nothing to check. Put the application's files into it, or "
                        "check the path."), 0, ">= 1 file")


def document_image(name: str, evidence: Text) -> Problem:
    stem = name.rsplit(".", 1)[0] or name
    return Problem(Text(f"这是文件的扫描件或照片，不是证件照（{evidence.zh}）。附件须为 PDF，请运行："
                        f"docprep fix {name} -o {stem}.pdf",
                        f"This is a scan or photo of a document, not an ID photo ({evidence.en}). Attachments must be "
                        f"PDF; run: docprep fix {name} -o {stem}.pdf"), "document", "an ID photo or a PDF")


def unreadable(reason: str) -> Problem:
    return Problem(Text(f"无法读取文件：{reason}。请检查权限或关闭占用该文件的程序后重试。",
                        f"Cannot read the file: {reason}. Check its permissions or close programs that hold it, "
                        "then retry."))


def inaccessible(reason: str, folder: bool = False) -> Problem:
    return (Problem(Text(f"无法打开文件夹：{reason}。", f"Cannot open the folder: {reason}.")) if folder
            else Problem(Text(f"无法访问：{reason}。", f"Cannot access it: {reason}.")))


def link(target: str) -> Problem:
    return Problem(Text(f"这是指向“{target}”的符号链接，未跟随检查。请放入实际文件。",
                        f"This is a symbolic link to '{target}'; it was not followed. Put the real file here."))


def folder_named_like_a_file(name: str) -> Problem:
    return Problem(Text(f"“{name}”是文件夹，不是文件。请放入实际的文件，或重命名该文件夹。",
                        f"'{name}' is a folder, not a file. Put the real file here, or rename the folder."))


def not_regular() -> Problem:
    return Problem(Text("这不是普通文件（设备或管道），无法上传。",
                        "This is not a regular file (a device or a pipe); it cannot be uploaded."))


def name_encoding(guess: str) -> Problem:
    return Problem(Text(f"文件名不是 UTF-8 编码（按 GBK 解读为“{guess}”），上传后可能显示乱码。请在本机重新命名。",
                        f"The file name is not UTF-8 (read as GBK it says '{guess}'); it may show garbled after "
                        "upload. Rename it on your own computer."))


def unsupported() -> Problem:
    return Problem(Text("未检查：既不是 JPG 照片也不是 PDF 附件。平台只接受 JPG 照片和 PDF 附件。",
                        "Not checked: neither a JPG photo nor a PDF. The platform takes JPG photos and PDF attachments "
                        "only."))
