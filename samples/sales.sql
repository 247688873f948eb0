-- samples/sales.sql: the sample database, sales by region, product and
-- month: 5 regions, 20 products in 4 categories, 100,000 sale lines over
-- 2024-2025.  Deterministic: a linear congruential sequence, not random(),
-- so every build makes the same file.  Run: sqlite3 sales.db < sales.sql
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TABLE Region (
	RegionID	INTEGER PRIMARY KEY,
	Name		TEXT NOT NULL
);
INSERT INTO Region VALUES (1, 'North'), (2, 'South'), (3, 'East'),
	(4, 'West'), (5, 'Central');

CREATE TABLE Product (
	ProductID	INTEGER PRIMARY KEY,
	Name		TEXT NOT NULL,
	Category	TEXT NOT NULL,
	UnitPrice	REAL NOT NULL
);
INSERT INTO Product VALUES
	(1, 'Road Bike', 'Bikes', 1249.99), (2, 'Mountain Bike', 'Bikes', 1599.50),
	(3, 'Touring Bike', 'Bikes', 1099.00), (4, 'Kids Bike', 'Bikes', 249.95),
	(5, 'City Bike', 'Bikes', 699.00),
	(6, 'Helmet', 'Accessories', 49.99), (7, 'Bottle Cage', 'Accessories', 9.95),
	(8, 'Pump', 'Accessories', 24.50), (9, 'Lock', 'Accessories', 39.00),
	(10, 'Lights', 'Accessories', 29.99),
	(11, 'Jersey', 'Clothing', 54.00), (12, 'Shorts', 'Clothing', 44.50),
	(13, 'Gloves', 'Clothing', 19.99), (14, 'Socks', 'Clothing', 8.99),
	(15, 'Cap', 'Clothing', 12.50),
	(16, 'Chain', 'Components', 21.49), (17, 'Tyre', 'Components', 32.00),
	(18, 'Brake Set', 'Components', 64.90), (19, 'Saddle', 'Components', 45.00),
	(20, 'Pedals', 'Components', 38.75);

CREATE TABLE Sales (
	SaleID		INTEGER PRIMARY KEY,
	SaleDate	DATE NOT NULL,
	RegionID	INTEGER NOT NULL REFERENCES Region,
	ProductID	INTEGER NOT NULL REFERENCES Product,
	Quantity	INTEGER NOT NULL,
	Amount		REAL NOT NULL
);

WITH RECURSIVE seq(n, x) AS (
	SELECT 1, 12345
	UNION ALL
	SELECT n + 1, (x * 1103515245 + 12345) % 2147483648 FROM seq
	WHERE n < 100000
)
INSERT INTO Sales (SaleID, SaleDate, RegionID, ProductID, Quantity, Amount)
SELECT n,
	date('2024-01-01', '+' || ((x / 7) % 731) || ' days'),
	1 + (x / 11) % 5,
	1 + (x / 13) % 20,
	1 + (x / 17) % 9,
	0
FROM seq;
UPDATE Sales SET Amount = round(Quantity *
	(SELECT UnitPrice FROM Product p WHERE p.ProductID = Sales.ProductID), 2);
CREATE INDEX SalesDate ON Sales (SaleDate);
COMMIT;
