package auth

import (
	"context"
	"fmt"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// ChainReport is the outcome of verifying every audit chain.
type ChainReport struct {
	Chains   int   // chains (clinics) walked
	Rows     int   // hashed rows checked
	Legacy   int   // rows written before the chain existed (no hash)
	BadRowID int64 // first row whose hash or link is wrong; 0 when intact
	Problem  string
}

// OK reports whether every chain is intact.
func (r ChainReport) OK() bool { return r.BadRowID == 0 }

// VerifyChains walks each clinic's audit chain in id order and names the
// first row that was altered (its hash no longer matches its fields) or
// whose predecessor was removed or altered (its prev_hash matches nothing).
func VerifyChains(ctx context.Context, db *gorm.DB) (ChainReport, error) {
	var rep ChainReport
	var chains []int64
	if err := db.WithContext(ctx).Model(&store.AuditEntry{}).Distinct("chain_key").Order("chain_key").Pluck("chain_key", &chains).Error; err != nil {
		return rep, err
	}
	for _, ch := range chains {
		rep.Chains++
		if err := verifyChain(ctx, db, ch, &rep); err != nil || !rep.OK() {
			return rep, err
		}
	}
	return rep, nil
}

func verifyChain(ctx context.Context, db *gorm.DB, chain int64, rep *ChainReport) error {
	// A chain the retention job pruned starts after its anchor: the last
	// row removed by policy.
	var anchor struct {
		ThroughID int64
		Hash      string
	}
	if err := db.WithContext(ctx).Raw(`SELECT through_id, hash FROM audit_chain_anchors WHERE chain_key = ?`, chain).Scan(&anchor).Error; err != nil {
		return err
	}
	prev, lastID, prevID := anchor.Hash, anchor.ThroughID, anchor.ThroughID
	for {
		var rows []store.AuditEntry
		err := db.WithContext(ctx).Where("chain_key = ? AND id > ?", chain, lastID).Order("id").Limit(1000).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		for _, r := range rows {
			lastID = r.ID
			if r.Hash == "" && prev == "" {
				rep.Legacy++
				continue
			}
			rep.Rows++
			if r.PrevHash != prev {
				rep.BadRowID, rep.Problem = r.ID, fmt.Sprintf("chain %d: row %d does not follow row %d: a row between them is missing, or row %d was altered", chain, r.ID, prevID, prevID)
				return nil
			}
			if HashEntry(r) != r.Hash {
				rep.BadRowID, rep.Problem = r.ID, fmt.Sprintf("chain %d: row %d was altered (its hash no longer matches its contents)", chain, r.ID)
				return nil
			}
			prev, prevID = r.Hash, r.ID
		}
	}
}
