"""What kind of basis a cited document is, when it is not a policy: a contract or a request.

>>> basis_kind("财政业务专网租赁合同"), basis_kind("大同市12345政府服务热线处办系统线路及维护服务项目合作协议")
('contract', 'contract')
>>> basis_kind("关于解决新建政务大厅物业费的请示"), basis_kind("山西省财政厅关于做好2017年度部门决算工作的通知")
('request', None)

A request is often followed by its approval (the text after the reference, its number included):

>>> approval_note(" 市长已批示")
'市长已批示'
>>> approval_note("，经区政府常务会议研究同意。") is None
True
"""

from __future__ import annotations

import re

__all__ = ["basis_kind", "approval_note", "prose_kind"]

_CONTRACT = re.compile("(?:合同|协议|协议书)$")
_REQUEST = re.compile("请示(?:报告)?$")
# "市长已批示", "张强市长已批示", "区长批示同意": a leader, then 批示, within a few characters
_APPROVAL = re.compile("[\u4e00-\u9fff]{0,4}(?:市长|副市长|区长|副区长|县长|书记|主任|局长|厅长|领导)[已于]?(?:批示|签批|批准)(?:同意)?")


def basis_kind(title: str | None) -> str | None:
    """'contract' for …合同 / …协议, 'request' for …请示, else None (a policy or another document)."""
    if not title:
        return None
    t = title.strip()
    if _CONTRACT.search(t):
        return "contract"
    if _REQUEST.search(t):
        return "request"
    return None


# a contract named as a noun phrase: "…服务合同。", "…项目合同,提供…" (not OCR runs like "项目合同府水平")
_NAMES_CONTRACT = re.compile(r"[\u4e00-\u9fff](?:合同|协议)(?=$|[，,。；;、：:\s)）])")
_NAMES_REQUEST = re.compile("请示")


def prose_kind(text: str) -> str | None:
    """What a 立项依据 that cites nothing rests on, when the prose says: a contract it names
    ("…物业服务合同。", "根据…项目合同,提供…"), a request, or None (plain prose).

    >>> prose_kind("根据热线物业服务合同，保障运行"), prose_kind("单位日常办公运行需要")
    ('contract', None)
    """
    if _NAMES_CONTRACT.search(text):
        return "contract"
    if _NAMES_REQUEST.search(text):
        return "request"
    return None


def approval_note(text_after: str) -> str | None:
    """The approval written right after a request (within 12 characters), e.g. "市长已批示"."""
    m = _APPROVAL.search(text_after[:24])
    if not m or m.start() > 12:
        return None
    return m.group(0).lstrip("，,。；;、 )）")
