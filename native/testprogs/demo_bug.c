/* demo_bug: Omniscope's demo. A tiny bank-account ledger replays a day of transactions and
 * audits itself at the end, and the audit fails. Where did the money go?
 * (native/testprogs/README.md tells; the source here is left as a user would find it.)
 * Built with -fno-toplevel-reorder: the globals stay in definition order in memory. */
#include <stdio.h>
#include <string.h>

#define OWNER_MAX 8

char owner[OWNER_MAX];   /* the account holder's name, NUL-terminated */
int balance;             /* in whole euros; lies right after owner[] */
int tx_count;            /* transactions applied so far */

enum kind { OPEN, DEPOSIT, WITHDRAW, TRANSFER_OWNERSHIP };

struct transaction {
    enum kind kind;
    const char *name;
    int amount;
};

static const struct transaction day[] = {
    { OPEN, "Alice", 0 },
    { DEPOSIT, NULL, 500 },
    { DEPOSIT, NULL, 250 },
    { WITHDRAW, NULL, 120 },
    { DEPOSIT, NULL, 40 },
    { TRANSFER_OWNERSHIP, "Jonathan", 0 },
    { DEPOSIT, NULL, 100 },
    { WITHDRAW, NULL, 45 },
};

int set_owner(const char *name)
{
    if (strlen(name) > OWNER_MAX)
        return -1;
    strcpy(owner, name);
    return 0;
}

void deposit(int amount)
{
    balance = balance + amount;
}

int withdraw(int amount)
{
    if (amount > balance)
        return -1;
    balance = balance - amount;
    return 0;
}

int main(void)
{
    int deposits = 0, withdrawals = 0;
    size_t n = sizeof day / sizeof day[0];

    for (size_t i = 0; i < n; i++) {
        const struct transaction *t = &day[i];
        switch (t->kind) {
        case OPEN:
        case TRANSFER_OWNERSHIP:
            if (set_owner(t->name) != 0)
                printf("%zu. name too long: %s\n", i + 1, t->name);
            else
                printf("%zu. account %s %s\n", i + 1,
                       t->kind == OPEN ? "opened for" : "transferred to", t->name);
            break;
        case DEPOSIT:
            deposit(t->amount);
            deposits += t->amount;
            printf("%zu. deposit %d\n", i + 1, t->amount);
            break;
        case WITHDRAW:
            if (withdraw(t->amount) == 0) {
                withdrawals += t->amount;
                printf("%zu. withdraw %d\n", i + 1, t->amount);
            } else {
                printf("%zu. withdraw %d refused: insufficient funds\n", i + 1, t->amount);
            }
            break;
        }
        tx_count++;
    }

    int expected = deposits - withdrawals;
    printf("owner: %.*s\n", OWNER_MAX, owner);
    printf("transactions: %d\n", tx_count);
    printf("balance: %d\n", balance);
    printf("audit: deposits %d - withdrawals %d = %d: %s\n", deposits, withdrawals, expected,
           balance == expected ? "OK" : "MISMATCH");
    return 0;
}
