"""Official PDF documents (申报书, 目录, 成交通知书, 合同): rendering, issuance records and public verification."""
