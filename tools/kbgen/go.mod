module immutable-infra/tools/kbgen

go 1.26
