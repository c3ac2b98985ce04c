// name: load.existing_company
// Which of the given Company ids exist. $ids: list of ids. Returns: id.
UNWIND $ids AS id
MATCH (n:Company {id: id})
RETURN n.id AS id

// name: load.existing_person
// Which of the given Person ids exist. $ids: list of ids. Returns: id.
UNWIND $ids AS id
MATCH (n:Person {id: id})
RETURN n.id AS id

// name: load.existing_branch
// Which of the given Branch ids exist. $ids: list of ids. Returns: id.
UNWIND $ids AS id
MATCH (n:Branch {id: id})
RETURN n.id AS id

// name: load.existing_relationship_manager
// Which of the given RelationshipManager ids exist. $ids: list of ids. Returns: id.
UNWIND $ids AS id
MATCH (n:RelationshipManager {id: id})
RETURN n.id AS id

// name: load.existing_product
// Which of the given Product codes exist. $ids: list of codes. Returns: id.
UNWIND $ids AS id
MATCH (n:Product {code: id})
RETURN n.code AS id
